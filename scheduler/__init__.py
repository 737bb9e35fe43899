"""What is due when, and sending it: check-ins, reminders, weekly safety notes, group digests.

- :mod:`scheduler.timing`: pure due-time rules (time zones, daylight saving, catch-up, 21:00).
- :mod:`scheduler.passes`: one pass (select due users, claim, send, record): ``run_pass``.
- :mod:`scheduler.dispatch`: per-platform lanes with claims, pacing, retries and the crash rules.
- :mod:`scheduler.runner`: ``backcheck run``'s every-minute APScheduler job.
- :mod:`scheduler.sim`: the same passes on ``simulate``'s clock.
"""
