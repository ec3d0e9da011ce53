# Stand-in for postgres:15 where no image registry is reachable: Debian's PostgreSQL 15 with a
# short self-written entrypoint (postgres-entrypoint.sh) that honours the official image's
# environment contract (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, PGDATA,
# /docker-entrypoint-initdb.d). Build context: deploy/compose/offline.
#   docker build -f deploy/compose/offline/postgres.Dockerfile -t postgres:15 deploy/compose/offline
FROM debian:bookworm-slim
# uid/gid 999 as in the official image, created before the package would pick others.
RUN groupadd -r -g 999 postgres \
    && useradd -r -g postgres -u 999 -d /var/lib/postgresql -s /bin/bash postgres \
    && mkdir -p /var/lib/postgresql && chown postgres:postgres /var/lib/postgresql
RUN apt-get update \
    && apt-get install -y --no-install-recommends gosu locales postgresql-common \
    && localedef -i en_US -c -f UTF-8 -A /usr/share/locale/locale.alias en_US.UTF-8 \
    && sed -ri 's/#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf \
    && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=$PATH:/usr/lib/postgresql/15/bin \
    PGDATA=/var/lib/postgresql/data \
    LANG=en_US.utf8
# initdb copies this sample into every new cluster: listen on every interface of the container.
RUN sed -ri "s/^#?(listen_addresses)\s*=\s*\S+.*/\1 = '*'/" /usr/share/postgresql/15/postgresql.conf.sample \
    && grep -q "^listen_addresses = '\*'" /usr/share/postgresql/15/postgresql.conf.sample \
    && mkdir -p /docker-entrypoint-initdb.d "$PGDATA" /var/run/postgresql \
    && chown postgres:postgres "$PGDATA" /var/run/postgresql && chmod 3777 /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
STOPSIGNAL SIGINT
EXPOSE 5432
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
