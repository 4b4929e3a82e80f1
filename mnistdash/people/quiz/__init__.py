"""You vs the models: rounds of hard digits, a person's answers scored beside every model's."""
