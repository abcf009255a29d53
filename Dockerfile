# The full deployment image: gunicorn for the web, the same image for the Celery
# worker and beat (docker-compose.yml). Pango and a CJK font for WeasyPrint.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    fonts-wqy-zenhei fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
 && useradd --system --home /app cpaudit && mkdir -p /data && chown cpaudit /data
USER cpaudit
ENV MEDIA_ROOT=/data/media VAR_DIR=/data
EXPOSE 8000
# gunicorn.conf.py: gthread, one process per core with 4 threads (README "Serving").
CMD ["gunicorn", "-c", "gunicorn.conf.py", "cpaudit.wsgi:application"]
