"""Pseudonym codes, disclosure policy, field encryption: built with the referral and profile issues."""
