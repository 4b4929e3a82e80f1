"""What the command line runs: training, evaluation, building the artifacts, and the parser itself."""
