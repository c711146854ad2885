"""kubetriage: a live terminal dashboard that links Kubernetes and Flux failures to their cause."""

__version__ = "0.1.0"
