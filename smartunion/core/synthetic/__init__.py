"""Synthetic people for demo and province-scale data: names, valid ID numbers, phones.

Faker zh_CN's ``ssn()`` fails the check digit half the time and is slow (ARCHITECTURE.md,
stack); these generators are ours and know nothing of unions or members.
"""
