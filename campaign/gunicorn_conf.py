"""gunicorn settings for `make run` and for production.

The access log leaves out who asked: no client address, no query string (it
can hold a confirmation token), no referrer and no user agent. Supporters of
a campaign about trafficking may be watched; a log that holds nothing about
them cannot be used against them. Secret tokens in paths are left out too
(campaign/access_log.py).
"""

accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# Tokens in paths (confirmation links, postcards) are logged as "…".
logger_class = "campaign.access_log.PrivateAccessLogger"
# Workers are recycled now and then so that no slow leak can build up.
max_requests = 20000
max_requests_jitter = 2000
