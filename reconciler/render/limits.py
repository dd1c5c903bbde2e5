"""How long a pull-request comment may be (a constant the CLI needs before any renderer)."""

GITHUB_LIMIT = 65536  # characters in a GitHub comment body
