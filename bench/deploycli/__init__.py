"""auth0-deploy-cli for the benchmarks: the pinned install and the emulator it needs."""
