"""Jobs that keep the site tidy, run by `manage.py housekeeping` (once, or every N seconds).

An app registers a job by calling `register` in a module named
`housekeeping.py` of its own, imported by the command (as the admin finds
admin.py); or from its AppConfig.ready(). A job is a callable taking no
argument that returns a short result to log, such as how many rows it
changed. Jobs must be safe to run again at any time (idempotent): the
command runs each of them on every round.
"""

from django.utils.module_loading import autodiscover_modules

# name -> callable, in the order they were registered.
jobs = {}


def register(name, job=None):
    """Register `job` under `name`; usable as a decorator: @register("name")."""
    if job is None:
        return lambda function: register(name, function)
    jobs[name] = job
    return job


def discover():
    """Import every installed app's housekeeping module, which registers its jobs."""
    autodiscover_modules("housekeeping")
    return jobs
