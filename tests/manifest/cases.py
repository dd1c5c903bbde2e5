# ruff: noqa: E501  (exact expected error lines are long on purpose)
"""Bad-input cases: files, and the exact problem lines the loader must report.

Each case is checked twice: through load_manifests (exact list of lines) and through
`reconciler validate` (exit code 1, every line on stderr, no traceback).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes]
    expected: list[str]
    env: dict[str, str] | None = None  # set: resolve ${VAR}s from this environment
    extra: dict[str, str] = field(default_factory=dict)


ACTION = """
actions:
  - name: enrich
    trigger: post-login
    code: login.js
"""

CASES = [
    Case(
        "yaml-syntax",
        {"a.yaml": "actions:\n  - name: x\n    trigger: [post-login\n"},
        [
            "a.yaml:4:1: invalid YAML: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence at line 3, column 14)",
        ],
    ),
    Case(
        "python-object-tag",
        {"a.yaml": "actions: !!python/object/apply:os.system ['echo hi']\n"},
        [
            "a.yaml:1:10: actions: YAML tag '!!python/object/apply:os.system' is not allowed here",
        ],
    ),
    Case(
        "python-name-tag-scalar",
        {"a.yaml": "settings:\n  prune: !!python/name:os.system\n"},
        [
            "a.yaml:2:10: settings.prune: YAML tag '!!python/name:os.system' is not allowed (only plain data: safe YAML)",
        ],
    ),
    Case(
        "unknown-key-did-you-mean",
        {
            "a.yaml": """
            actions:
              - name: enrich
                trigger: post-login
                code: login.js
                dependancies:
                  axios: 1.7.9
            """
        },
        [
            "a.yaml:5:5: actions[0].dependancies: unknown key 'dependancies' (did you mean 'dependencies'?)",
        ],
    ),
    Case(
        "unknown-top-level-key",
        {"a.yaml": "action:\n  - name: x\n"},
        [
            "a.yaml:1:1: action: unknown key 'action' (did you mean 'actions'?)",
        ],
    ),
    Case(
        "missing-required",
        {"a.yaml": "actions:\n  - name: enrich\n    code: login.js\n"},
        [
            "a.yaml:2:5: actions[0]: missing required key 'trigger'",
        ],
    ),
    Case(
        "wrong-type",
        {"a.yaml": ACTION + "    deploy: yes please\n"},
        [
            "a.yaml:5:13: actions[0].deploy: expected a boolean (true or false), got a string",
        ],
    ),
    Case(
        "unquoted-float-version",
        {"a.yaml": ACTION + "    dependencies:\n      lodash: 4.17\n"},
        [
            "a.yaml:6:15: actions[0].dependencies.lodash: expected a string, got a number; quote the version: '4.17'",
        ],
    ),
    Case(
        "version-range",
        {"a.yaml": ACTION + "    dependencies:\n      axios: ^1.2.0\n"},
        [
            "a.yaml:6:14: actions[0].dependencies.axios: '^1.2.0' is a version range; use an exact version such as '1.2.0'",
        ],
    ),
    Case(
        "too-many-dependencies",
        {
            "a.yaml": ACTION
            + "    dependencies:\n"
            + "".join(f"      pkg{i}: 1.0.{i}\n" for i in range(11))
        },
        [
            "a.yaml:5:5: actions[0].dependencies: at most 10 dependencies per action (Auth0 limit); found 11",
        ],
    ),
    Case(
        "literal-secret",
        {"a.yaml": ACTION + "    secrets:\n      API_KEY: hunter2-very-secret\n"},
        [
            "a.yaml:6:16: actions[0].secrets.API_KEY: literal secret values are not allowed; use ${VAR}",
        ],
    ),
    Case(
        "malformed-reference",
        {"a.yaml": ACTION + "    secrets:\n      API_KEY: ${API-KEY}\n"},
        [
            "a.yaml:6:16: actions[0].secrets.API_KEY: malformed reference; use ${VAR} where VAR is a letter or underscore followed by letters, digits or underscores",
        ],
    ),
    Case(
        "bad-secret-name",
        {"a.yaml": ACTION + "    secrets:\n      api-key: ${API_KEY}\n"},
        [
            "a.yaml:6:7: actions[0].secrets.api-key: not a valid secret name (a letter or underscore, then letters, digits or underscores; at most 128 characters)",
        ],
    ),
    Case(
        "too-many-secrets",
        {
            "a.yaml": ACTION
            + "    secrets:\n"
            + "".join(f"      S{i}: ${{V{i}}}\n" for i in range(31))
        },
        [
            "a.yaml:5:5: actions[0].secrets: at most 30 secrets per action (Auth0 limit); found 31",
        ],
    ),
    Case(
        "missing-variable",
        {"a.yaml": ACTION + "    secrets:\n      API_KEY: ${ENRICH_API_KEY}\n"},
        [
            "a.yaml:6:16: actions[0].secrets.API_KEY: variable ENRICH_API_KEY is not set (secret API_KEY of action enrich); set ENRICH_API_KEY in the environment or in a dotenv file passed with --var-file",
        ],
        env={},
    ),
    Case(
        "short-variable",
        {"a.yaml": ACTION + "    secrets:\n      API_KEY: ${ENRICH_API_KEY}\n"},
        [
            "a.yaml:6:16: actions[0].secrets.API_KEY: the value of ENRICH_API_KEY is shorter than 4 characters, too short to be masked in output; use a longer value (secret API_KEY of action enrich)",
        ],
        env={"ENRICH_API_KEY": "abc"},
    ),
    Case(
        "long-variable",
        {"a.yaml": ACTION + "    secrets:\n      API_KEY: ${ENRICH_API_KEY}\n"},
        [
            "a.yaml:6:16: actions[0].secrets.API_KEY: the value of ENRICH_API_KEY is 4097 characters; Auth0 allows at most 4096 (secret API_KEY of action enrich)",
        ],
        env={"ENRICH_API_KEY": "k" * 4097},
    ),
    Case(
        "duplicate-action-name",
        {"a.yaml": ACTION, "b/b.yaml": ACTION.replace("login.js", "../login.js")},
        [
            "b/b.yaml:2:11: actions[0].name: duplicate action name 'enrich' (first declared at a.yaml:2:11)",
        ],
    ),
    Case(
        "duplicate-bindings-trigger",
        {
            "a.yaml": ACTION + "bindings:\n  post-login: [enrich]\n",
            "b.yaml": "bindings:\n  post-login:\n    - enrich\n",
        },
        [
            "b.yaml:2:3: bindings.post-login: bindings for post-login are already declared at a.yaml:6:3; a trigger's list may appear in one file only",
        ],
    ),
    Case(
        "settings-twice",
        {"a.yaml": "settings:\n  prune: true\n", "b.yaml": "settings: {prune: false}\n"},
        [
            "b.yaml:1:1: settings: settings are already declared at a.yaml:1:1; only one file may hold settings",
        ],
    ),
    Case(
        "code-missing",
        {"a.yaml": ACTION.replace("login.js", "nope.js")},
        [
            "a.yaml:4:11: actions[0].code: code file 'nope.js' does not exist",
        ],
    ),
    Case(
        "code-absolute",
        {"a.yaml": ACTION.replace("login.js", "/etc/passwd")},
        [
            "a.yaml:4:11: actions[0].code: code path '/etc/passwd' must be relative to this file, not absolute",
        ],
    ),
    Case(
        "code-escape",
        {"a.yaml": ACTION.replace("login.js", "../outside.js")},
        [
            "a.yaml:4:11: actions[0].code: code path '../outside.js' leaves the manifest root",
        ],
    ),
    Case(
        "code-directory",
        {"a.yaml": ACTION.replace("login.js", "sub"), "sub/x.txt": ""},
        [
            "a.yaml:4:11: actions[0].code: code path 'sub' is not a regular file",
        ],
    ),
    Case(
        "code-too-big",
        {"a.yaml": ACTION.replace("login.js", "big.js"), "big.js": "//" + "x" * 102400 + "\n"},
        [
            "a.yaml:4:11: actions[0].code: code file 'big.js' is 102403 bytes; Auth0 allows at most 102400 bytes (100 kB)",
        ],
    ),
    Case(
        "code-not-utf8",
        {"a.yaml": ACTION.replace("login.js", "latin.js"), "latin.js": b"// caf\xe9\n"},
        [
            "a.yaml:4:11: actions[0].code: code file 'latin.js' is not valid UTF-8 (line 1)",
        ],
    ),
    Case(
        "unknown-trigger",
        {"a.yaml": ACTION.replace("post-login", "post-logn")},
        [
            "a.yaml:3:14: actions[0].trigger: unknown trigger 'post-logn' (did you mean 'post-login'?)",
        ],
    ),
    Case(
        "unknown-trigger-version",
        {"a.yaml": ACTION + "    trigger_version: v9\n"},
        [
            "a.yaml:5:22: actions[0].trigger_version: unknown version 'v9' of trigger post-login; known versions: v1, v2, v3",
        ],
    ),
    Case(
        "runtime-misspelt",
        {"a.yaml": ACTION + "    runtime: node20\n"},
        [
            "a.yaml:5:14: actions[0].runtime: runtime 'node20' is not available for post-login v3 (did you mean 'node22'?); use one of node18-actions, node22",
        ],
    ),
    Case(
        "handler-not-exported",
        {"a.yaml": ACTION.replace("login.js", "m2m.js")},
        [
            "a.yaml:4:11: actions[0].code: m2m.js does not export onExecutePostLogin, the function the post-login trigger calls (exports.onExecutePostLogin = async (event, api) => { ... })",
        ],
    ),
    Case(
        "binding-unknown-name",
        {"a.yaml": ACTION + "bindings:\n  post-login:\n    - enrihc\n"},
        [
            "a.yaml:7:7: bindings.post-login[0]: 'enrihc' names no action declared in these manifests (did you mean 'enrich'?); mark an action managed elsewhere with external: true",
        ],
    ),
    Case(
        "binding-external-managed",
        {
            "a.yaml": ACTION
            + "bindings:\n  post-login:\n    - action: enrich\n      external: true\n"
        },
        [
            "a.yaml:8:17: bindings.post-login[0].external: 'enrich' is declared in these manifests, so it is not external; remove external: true",
        ],
    ),
    Case(
        "binding-twice",
        {"a.yaml": ACTION + "bindings:\n  post-login:\n    - enrich\n    - action: enrich\n"},
        [
            "a.yaml:8:15: bindings.post-login[1].action: action 'enrich' is bound to post-login twice (first at line 7)",
        ],
    ),
    Case(
        "binding-wrong-trigger",
        {"a.yaml": ACTION + "bindings:\n  credentials-exchange:\n    - enrich\n"},
        [
            "a.yaml:7:7: bindings.credentials-exchange[0]: action 'enrich' runs on post-login (declared at a.yaml:3:14), so it cannot be bound to credentials-exchange",
        ],
    ),
    Case(
        "binding-entity-bound",
        {
            "a.yaml": "bindings:\n  custom-token-exchange:\n    - action: Exchange\n      external: true\n"
        },
        [
            "a.yaml:2:3: bindings.custom-token-exchange: custom-token-exchange is an entity-bound trigger; its actions are attached to their entity in Auth0, not bound to the trigger, so it cannot be listed under bindings",
        ],
    ),
    Case(
        "binding-unknown-trigger",
        {"a.yaml": ACTION + "bindings:\n  post-logn: [enrich]\n"},
        [
            "a.yaml:6:3: bindings.post-logn: unknown trigger 'post-logn' (did you mean 'post-login'?)",
        ],
    ),
    Case(
        "binding-too-many",
        {
            "a.yaml": "bindings:\n  post-login:\n"
            + "".join(f"    - {{action: ext{i}, external: true}}\n" for i in range(21))
        },
        [
            "a.yaml:2:3: bindings.post-login: at most 20 actions per trigger (Auth0 limit); found 21",
        ],
    ),
    Case(
        "binding-bad-entry",
        {"a.yaml": "bindings:\n  post-login:\n    - 42\n"},
        [
            "a.yaml:3:7: bindings.post-login[0]: a binding is an action name or a mapping with 'action' (and optional 'display_name', 'external')",
        ],
    ),
    Case(
        "ignore-contradiction",
        {
            "a.yaml": ACTION.replace("enrich", "legacy-enrich")
            + "settings:\n  ignore: ['legacy-*']\n"
        },
        [
            "a.yaml:2:11: actions[0].name: action 'legacy-enrich' matches the ignore pattern 'legacy-*' of settings (a.yaml:6:12); an ignored action cannot be managed",
        ],
    ),
    Case(
        "too-many-actions",
        {
            "a.yaml": "actions:\n"
            + "".join(
                f"  - {{name: a{i:03}, trigger: post-login, code: login.js}}\n" for i in range(101)
            )
        },
        [
            "a.yaml:102:5: actions[100]: too many actions: 101 declared in total; Auth0 allows at most 100 per tenant",
        ],
    ),
    Case(
        "duplicate-yaml-key",
        {"a.yaml": "settings:\n  prune: true\n  prune: false\n"},
        [
            "a.yaml:3:3: settings.prune: duplicate key 'prune' (first at line 2)",
        ],
    ),
    Case(
        "yaml-not-utf8",
        {"a.yaml": b"settings:\n  ignore: ['\xff']\n"},
        [
            "a.yaml:2:13: file is not valid UTF-8",
        ],
    ),
    Case(
        "top-level-list",
        {"a.yaml": "- name: x\n"},
        [
            "a.yaml:1:1: a manifest file must be a mapping of actions, bindings and settings; got a list",
        ],
    ),
    Case(
        "errors-from-several-files",
        {
            "a.yaml": ACTION + "    runtime: node99\n",
            "z/b.yml": "settings:\n  prune: maybe\n",
        },
        [
            "a.yaml:5:14: actions[0].runtime: runtime 'node99' is not available for post-login v3 (did you mean 'node22'?); use one of node18-actions, node22",
            "z/b.yml:2:10: settings.prune: expected a boolean (true or false), got a string",
        ],
    ),
    Case(
        "code-nul",
        {"a.yaml": ACTION.replace("login.js", '"a\\0b"')},
        ["a.yaml:4:11: actions[0].code: code path contains a NUL character"],
    ),
    Case(
        "deprecated-version-without-runtime",
        {"a.yaml": ACTION + "    trigger_version: v2\n"},
        [
            "a.yaml:2:5: actions[0]: post-login v2 has no usable default runtime; set runtime to one of node18, node22",
        ],
    ),
    Case(
        "secret-name-too-long",
        {"a.yaml": ACTION + "    secrets:\n      " + "S" * 129 + ": ${API_KEY}\n"},
        [
            "a.yaml:6:7: actions[0].secrets."
            + "S" * 129
            + ": not a valid secret name (a letter or underscore, then letters, digits or underscores; at most 128 characters)",
        ],
    ),
    Case(
        "complex-key-beside-a-null-value",  # found by the property test
        {"a.yaml": ACTION + "    dependencies:\n? [k]\n: v\n"},
        [
            "a.yaml:5:18: actions[0].dependencies: expected a mapping, got an empty value (null)",
            "a.yaml:6:3: a key under the top level must be a plain string, not a list or mapping",
        ],
    ),
]
