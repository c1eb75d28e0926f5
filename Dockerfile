# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint needs Pango; `make backup` / `make restore` need pg_dump and pg_restore of the server's
# major version (bookworm ships 15; docker-compose.yml runs postgres:15 to match). The rest ships wheels.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
       postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes --no-deps -r requirements/base.txt
COPY . .
RUN SECRET_KEY=build FIELD_ENCRYPTION_KEY=build python manage.py collectstatic --noinput \
    && useradd --system --home /app woonkans && mkdir -p /data/private && chown woonkans /data/private
USER woonkans
ENV PRIVATE_MEDIA_ROOT=/data/private
EXPOSE 8000
CMD ["gunicorn", "woonkans.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s\" %(s)s %(L)ss"]
