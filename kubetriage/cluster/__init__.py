"""The client side: kubeconfig connection, discovery, one reflector per kind into the store, the
live source the dashboard and `check` read, and the dump reader (a cluster read offline). The only
package that does network I/O to an API server. Never imports Textual."""
