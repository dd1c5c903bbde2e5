# ruff: noqa: E501  (exact expected error lines are long on purpose)
"""Bad-input cases of Actions Modules (issue 15): the exact problem lines the loader reports."""

from __future__ import annotations

from tests.manifest.cases import Case

MODULE_JS = "module.exports = { greet: (name) => `Hello, ${name}!` };\n"
MODULE = """
modules:
  - name: helpers
    code: helpers.js
"""


def _action(refs: str) -> str:
    return f"actions:\n  - name: login\n    trigger: post-login\n    code: login.js\n    modules:\n{refs}"


def _with_module(files: dict[str, str | bytes]) -> dict[str, str | bytes]:
    return {"helpers.js": MODULE_JS, **files}


MODULE_CASES = [
    Case(
        "module-unknown-name-did-you-mean",
        _with_module({"m.yaml": MODULE, "a.yaml": _action("      - {name: helper, version: 1}\n")}),
        [
            "a.yaml:6:16: actions[0].modules[0].name: 'helper' names no module declared in these manifests (did you mean 'helpers'?); mark a module managed elsewhere with external: true",
        ],
    ),
    Case(
        "module-unknown-name-no-hint",
        _with_module(
            {"m.yaml": MODULE, "a.yaml": _action("      - {name: billing, version: latest}\n")}
        ),
        [
            "a.yaml:6:16: actions[0].modules[0].name: 'billing' names no module declared in these manifests; mark a module managed elsewhere with external: true",
        ],
    ),
    Case(
        "module-declared-but-marked-external",
        _with_module(
            {
                "m.yaml": MODULE,
                "a.yaml": _action("      - {name: helpers, version: 2, external: true}\n"),
            }
        ),
        [
            "a.yaml:6:47: actions[0].modules[0].external: module 'helpers' is declared in these manifests (at m.yaml:2:11), so it is not external; remove external: true",
        ],
    ),
    Case(
        "module-used-twice-by-one-action",
        _with_module(
            {
                "m.yaml": MODULE,
                "a.yaml": _action(
                    "      - {name: helpers, version: 1}\n      - {name: helpers, version: latest}\n"
                ),
            }
        ),
        [
            "a.yaml:7:16: actions[0].modules[1].name: action 'login' uses module 'helpers' twice (first at line 6)",
        ],
    ),
    Case(
        "module-version-zero",
        _with_module(
            {"m.yaml": MODULE, "a.yaml": _action("      - {name: helpers, version: 0}\n")}
        ),
        [
            "a.yaml:6:34: actions[0].modules[0].version: a module version is a published version number (1 to 50) or latest",
        ],
    ),
    Case(
        "module-version-past-the-limit",
        _with_module(
            {"m.yaml": MODULE, "a.yaml": _action("      - {name: helpers, version: 51}\n")}
        ),
        [
            "a.yaml:6:34: actions[0].modules[0].version: a module version is a published version number (1 to 50) or latest",
        ],
    ),
    Case(
        "module-version-word",
        _with_module(
            {"m.yaml": MODULE, "a.yaml": _action("      - {name: helpers, version: newest}\n")}
        ),
        [
            "a.yaml:6:34: actions[0].modules[0].version: a module version is a published version number (1 to 50) or latest",
        ],
    ),
    Case(
        "module-version-missing",
        _with_module({"m.yaml": MODULE, "a.yaml": _action("      - {name: helpers}\n")}),
        [
            "a.yaml:6:9: actions[0].modules[0]: missing required key 'version'",
        ],
    ),
    Case(
        "modules-per-action",
        {
            **{f"m{i}.js": MODULE_JS for i in range(4)},
            "m.yaml": "modules:\n"
            + "".join(f"  - {{name: m{i}, code: m{i}.js}}\n" for i in range(4)),
            "a.yaml": _action("".join(f"      - {{name: m{i}, version: 1}}\n" for i in range(4))),
        },
        [
            "a.yaml:5:5: actions[0].modules: at most 3 modules per action (Auth0 limit); found 4",
        ],
    ),
    Case(
        "modules-per-tenant",
        {
            "helpers.js": MODULE_JS,
            "m.yaml": "modules:\n"
            + "".join(f"  - {{name: m{i:03}, code: helpers.js}}\n" for i in range(101)),
        },
        [
            "m.yaml:102:5: modules[100]: too many modules: 101 declared in total; Auth0 allows at most 100 per tenant",
        ],
    ),
    Case(
        "duplicate-module-name",
        _with_module({"m.yaml": MODULE, "n.yaml": MODULE}),
        [
            "n.yaml:2:11: modules[0].name: duplicate module name 'helpers' (first declared at m.yaml:2:11)",
        ],
    ),
    Case(
        "module-names-differ-by-case",
        _with_module({"m.yaml": MODULE, "n.yaml": MODULE.replace("helpers\n", "Helpers\n")}),
        [
            "n.yaml:2:11: modules[0].name: module name 'Helpers' differs only by case from 'helpers' (declared at m.yaml:2:11); two such names are too easily confused",
        ],
    ),
    Case(
        "module-secrets-limit",
        _with_module(
            {
                "m.yaml": MODULE
                + "    secrets:\n"
                + "".join(f"      S{i}: ${{V{i}}}\n" for i in range(31))
            }
        ),
        [
            "m.yaml:4:5: modules[0].secrets: at most 30 secrets per module (Auth0 limit); found 31",
        ],
    ),
    Case(
        "module-dependencies-limit",
        _with_module(
            {
                "m.yaml": MODULE
                + "    dependencies:\n"
                + "".join(f"      pkg{i}: 1.0.0\n" for i in range(11))
            }
        ),
        [
            "m.yaml:4:5: modules[0].dependencies: at most 10 dependencies per module (Auth0 limit); found 11",
        ],
    ),
    Case(
        "module-code-too-long",
        {"helpers.js": "//" + "x" * 65534 + "\n", "m.yaml": MODULE},
        [
            "m.yaml:3:11: modules[0].code: code file 'helpers.js' is 65537 characters; Auth0 allows at most 65536 for a module",
        ],
    ),
    Case(
        "module-code-missing",
        {"m.yaml": MODULE},
        [
            "m.yaml:3:11: modules[0].code: code file 'helpers.js' does not exist",
        ],
    ),
    Case(
        "module-literal-secret",
        _with_module({"m.yaml": MODULE + "    secrets:\n      KEY: hunter2hunter2\n"}),
        [
            "m.yaml:5:12: modules[0].secrets.KEY: literal secret values are not allowed; use ${VAR}",
        ],
    ),
    Case(
        "module-secret-not-set",
        _with_module({"m.yaml": MODULE + "    secrets:\n      KEY: ${HELPERS_KEY}\n"}),
        [
            "m.yaml:5:12: modules[0].secrets.KEY: variable HELPERS_KEY is not set (secret KEY of module helpers); set HELPERS_KEY in the environment or in a dotenv file passed with --var-file",
        ],
        env={},
    ),
    Case(
        "module-unknown-key",
        _with_module({"m.yaml": MODULE + "    deploy: true\n"}),
        [
            "m.yaml:4:5: modules[0].deploy: unknown key 'deploy' (allowed: code, dependencies, name, protect, publish, secrets)",
        ],
    ),
    Case(
        "module-name-too-long",
        _with_module({"m.yaml": MODULE.replace("helpers\n", "h" * 256 + "\n")}),
        [
            "m.yaml:2:11: modules[0].name: must be at most 255 characters",
        ],
    ),
    Case(
        "module-name-control-character",
        _with_module({"m.yaml": MODULE.replace("helpers\n", '"help\\u0007ers"\n')}),
        [
            "m.yaml:2:11: modules[0].name: module name contains the control character \\x07; names are printed in plans and logs, so control, format and line-separator characters are not allowed",
        ],
    ),
    Case(
        "module-external-ref-control-character",
        _with_module(
            {
                "m.yaml": MODULE,
                "a.yaml": _action('      - {name: "bad\\u0007", version: 1, external: true}\n'),
            }
        ),
        [
            "a.yaml:6:16: actions[0].modules[0].name: module name contains the control character \\x07; names are printed in plans and logs, so control, format and line-separator characters are not allowed",
        ],
    ),
]
