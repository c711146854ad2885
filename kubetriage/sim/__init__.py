"""The embedded Kubernetes API server: serves a scenario over loopback HTTP, faithfully enough that
the unmodified kubectl and kubernetes-asyncio work against it."""
