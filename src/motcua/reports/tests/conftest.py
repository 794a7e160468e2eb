# The one-stop cast (a really submitted dossier, a specialist and a leader) is the workflow's.
from motcua.workflow.tests.conftest import leader, specialist, submit, submitted  # noqa: F401
