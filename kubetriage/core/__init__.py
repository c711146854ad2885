"""Pure pieces every layer shares: the snapshot the checks read, object types and kinds, text
cleaning, durations, pod status as kubectl prints it. No I/O, never Textual."""
