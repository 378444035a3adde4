"""Scoring and guidance: answers and visibility, scores, the outcome with its reasons and profile; pure.

Data goes one way: check_answers → walk → score → decide.
"""

from quiz.engine.answers import ANSWER_REQUIRED, Walk, check_answers, crisis_level, walk
from quiz.engine.conditions import Facts, ScaleScore, holds
from quiz.engine.outcome import Outcome, assess, check_examples, decide
from quiz.engine.scores import Scores, score

__all__ = [
    "ANSWER_REQUIRED",
    "Facts",
    "Outcome",
    "ScaleScore",
    "Scores",
    "Walk",
    "assess",
    "check_answers",
    "check_examples",
    "crisis_level",
    "decide",
    "holds",
    "score",
    "walk",
]
