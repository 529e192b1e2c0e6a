# Backends for docker-compose.yml: the two web services, probed on /livez, round-robin.
# (bench/cluster writes the loopback cluster's equivalent.)
vcl 4.1;
import directors;

# Liveness only (no database). Under saturation the probe waits in the same queue as
# readers, so a replica is taken out of rotation only after 8 failures in a row (a dead
# one: ~16 s, during which a GET that finds it dead is retried on the other).
probe live {
    .request = "GET /livez HTTP/1.1" "Host: localhost" "Connection: close";
    .interval = 2s;
    .timeout = 5s;
    .window = 8;
    .threshold = 1;
    .initial = 1;
}

backend web1 {
    .host = "web1";
    .port = "8000";
    .probe = live;
    .connect_timeout = 1s;
    .first_byte_timeout = 60s;
}

backend web2 {
    .host = "web2";
    .port = "8000";
    .probe = live;
    .connect_timeout = 1s;
    .first_byte_timeout = 60s;
}

# The web services purge; compose's default network is a private range.
acl purgers {
    "localhost";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_init {
    new web = directors.round_robin();
    web.add_backend(web1);
    web.add_backend(web2);
}
