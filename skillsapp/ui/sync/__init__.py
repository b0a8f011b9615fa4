"""Sync with the province: enrolment, status, USB transfer and background sync."""
