"""What every room uses: Qt models over plain rows, the task runner, the open plan (undo,
saving), HTML to PDF and printing, small shared widgets."""
