"""The handover note on the phone (docs/shifts.md): the outgoing shift's member writes the note
for the next shift of the post, the incoming shift's member reads and acknowledges it."""
