"""``bin/cluster start|stop|status|destroy``: see bench/cluster/__init__.py."""

import argparse
import sys

from . import DEFAULT_DIR, Cluster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bin/cluster", description=__doc__)
    parser.add_argument("command", choices=["start", "stop", "status", "destroy", "env"])
    parser.add_argument("--dir", default=str(DEFAULT_DIR), help="state directory (CLUSTER_DIR)")
    args = parser.parse_args(argv)
    cluster = Cluster(args.dir)
    if args.command == "start":
        cluster.start()
        for name, line in cluster.status().items():
            print(f"  {name:<18} {line}")
        print(
            f"\nReaders: {cluster.url}/   API: {cluster.url}/api/v1/   Admin: {cluster.url}/admin/"
        )
        print(f"Primary: psql {cluster.database_url('primary')}")
        print(f"Replica: psql {cluster.database_url('replica')}")
        print("Stop with: bin/cluster stop   (bin/cluster destroy also removes the data)")
    elif args.command == "stop":
        cluster.stop()
    elif args.command == "destroy":
        cluster.destroy()
    elif args.command == "env":
        # The web replicas' environment, to run manage.py against the cluster:
        #   env $(bin/cluster env) .venv/bin/python manage.py createsuperuser
        for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL"):
            print(f"{key}={cluster.web_environment()[key]}")
    else:
        for name, line in cluster.status().items():
            print(f"{name:<18} {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
