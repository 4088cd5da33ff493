"""Training commands' logic: fitting the learned components on the annotated data (the `train` extra).

Above the runner and the evaluation in the layers: training runs the pipeline on gold text and scores with the
evaluation's own matching rules; nothing below imports it."""
