"""Training: losses, stage-1 teacher, stage-2 student, RGB baseline, evaluation metrics."""
