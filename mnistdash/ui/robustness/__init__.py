"""The Adversarial page's parts."""
