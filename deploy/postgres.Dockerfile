# The review store's server: Debian's postgresql-15; a cluster is made on the first start of an empty volume.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data && chown -R postgres:postgres /var/lib/postgresql
COPY postgres-start.sh /usr/local/bin/postgres-start.sh
ENV PGDATA=/var/lib/postgresql/data PATH=/usr/lib/postgresql/15/bin:$PATH
USER postgres
VOLUME /var/lib/postgresql/data
EXPOSE 5432
CMD ["sh", "/usr/local/bin/postgres-start.sh"]
