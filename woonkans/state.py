"""One shape for every status workflow: a table of transitions, each (allowed sources, target)."""


class TransitionNotAllowed(Exception):
    pass


class TransitionTable:
    def __init__(self, transitions):
        self.transitions = transitions

    def target(self, transition, current):
        sources, target = self.transitions[transition]
        if current not in sources:
            raise TransitionNotAllowed(f"{transition} is not allowed from {current}")
        return target

    def allowed(self, transition, current):
        return current in self.transitions[transition][0]
