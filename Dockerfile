# newsbase web image: gunicorn serving the Django app with production settings.
# docker-compose.yml builds it and runs bin/start (migrate, load_crocus, gunicorn);
# run on its own it starts gunicorn only.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=newsbase.settings.prod

WORKDIR /app

# A system user without a login shell or home: the server never runs as root.
RUN groupadd --system app && useradd --system --gid app --no-create-home --shell /usr/sbin/nologin app

# Runtime dependencies only (no test extra), at the exact versions of requirements.lock.
# Installed before the source is copied so this layer is reused while they do not change.
# The project itself is not pip-installed: manage.py and gunicorn import it from /app.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -c requirements.lock -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Static files are collected (hashed and compressed for WhiteNoise) once, at build time.
# prod settings insist on a real SECRET_KEY, so this step gets a throw-away random one;
# the running container gets its own from the environment.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput --verbosity 1

# Bulk-data snapshots (manage.py export); the compose file mounts a volume here.
RUN mkdir -p /app/exports && chown app:app /app/exports

USER app
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "newsbase.wsgi:application"]
