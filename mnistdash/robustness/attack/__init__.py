"""Adversarial examples: FGSM and PGD (L-infinity, Captum's attacks) against any classifier of the zoo."""

from mnistdash.robustness.attack.core import METHODS, adversarial, attack_module, flip_bracket, predictions, smallest_flip

__all__ = ["METHODS", "adversarial", "attack_module", "flip_bracket", "predictions", "smallest_flip"]
