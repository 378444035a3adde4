"""Question banks: the frozen model, YAML loading with a line map, and validation; pure."""

from quiz.bank.loading import BankError, InvalidBank, load_bank, load_banks, parse_bank
from quiz.bank.model import CRISIS_OUTCOME, NOT_APPLICABLE, SAFETY_ITEM, AnswerValue, Bank, Question, Section

__all__ = [
    "CRISIS_OUTCOME",
    "NOT_APPLICABLE",
    "SAFETY_ITEM",
    "AnswerValue",
    "Bank",
    "BankError",
    "InvalidBank",
    "Question",
    "Section",
    "load_bank",
    "load_banks",
    "parse_bank",
]
