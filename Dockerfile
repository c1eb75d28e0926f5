# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint needs Pango; `make dump` needs pg_dump/pg_restore of the server's major version (bookworm
# ships 15; docker-compose.yml runs postgres:15 to match). The backup worker needs pgBackRest and the
# server binaries (pg_ctl, pg_controldata, pg_waldump), without a cluster of their own. The portal's
# user is uid 999, as postgres is in the postgres image: the backup worker reads both data folders.
RUN useradd --system --uid 999 --home /app woonkans \
    && mkdir -p /etc/postgresql-common/createcluster.d \
    && echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/woonkans.conf \
    && apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
       postgresql-client-15 postgresql-15 pgbackrest \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /backup/pgbackrest /backup/private-files && chown -R woonkans /backup && chmod -R 0700 /backup

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes --no-deps -r requirements/base.txt
COPY . .
RUN SECRET_KEY=build FIELD_ENCRYPTION_KEY=build python manage.py collectstatic --noinput \
    && mkdir -p /data/private && chown woonkans /data/private
USER woonkans
ENV PRIVATE_MEDIA_ROOT=/data/private
EXPOSE 8000
# Workers, timeout and log format: gunicorn.conf.py (WEB_CONCURRENCY and the other variables it names).
CMD ["gunicorn", "woonkans.wsgi:application", "--config", "gunicorn.conf.py"]
