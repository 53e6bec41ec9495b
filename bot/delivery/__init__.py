"""Delivery of sealed referrals: the secure-domain check, the outbox and the SMTP worker."""

from bot.delivery.domains import SECURE_SUFFIXES, InsecureAddress, check_secure_address
from bot.delivery.outbox import (
    DEAD,
    QUEUED,
    SENDING,
    SENT,
    DeliveryWorker,
    OutboxRow,
    Receipt,
    SmtpConfigError,
    SmtpSettings,
    enqueue,
    receipt,
)

__all__ = [
    "DEAD",
    "QUEUED",
    "SECURE_SUFFIXES",
    "SENDING",
    "SENT",
    "DeliveryWorker",
    "InsecureAddress",
    "OutboxRow",
    "Receipt",
    "SmtpConfigError",
    "SmtpSettings",
    "check_secure_address",
    "enqueue",
    "receipt",
]
