import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_wsgi_application()

# Load every view (and what they import: DRF, the schema generator, pypdf, Pillow) while the worker
# boots, so that the first citizen it serves does not wait seconds for imports.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
