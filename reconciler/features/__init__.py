"""Features built on the pipeline stages: the workflow that wires them for the commands,
export, deploy-cli import, rollback, environments and where the manifests are."""
