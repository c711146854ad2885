"""The view-model: what the screens show, as plain data kept up to date from the store.

Pure (no Textual, no I/O but the log spool's own temporary file), so it is tested without a
screen: the dashboard's panel rows and counts (dashboard.py, rows.py), the pod and release
screens' sections (pod_details.py, release_details.py), and a followed log of any size
(logspool.py). The widgets and screens in tui/ draw it.
"""
