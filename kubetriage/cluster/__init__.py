"""Everything that knows about a cluster: resources, dumps, scenarios, the embedded API server,
the live source and the store. Never imports Textual."""
