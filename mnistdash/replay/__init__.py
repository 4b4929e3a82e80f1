"""Models replayed as they learned: checkpoints along their training, what they read at each, and the test digits
learned last or forgotten on the way."""
