-- Throw-away Prosody for Swarm's peer benchmark: loopback only, anonymous logins, no limits.
run_as_root = true
daemonize = false
pidfile = "@DIR@/prosody.pid"
data_path = "@DIR@/data"
log = { info = "@DIR@/prosody.log" }
interfaces = { "127.0.0.1" }
c2s_ports = { 15222 }
s2s_ports = { }
http_ports = { 15280 }
http_interfaces = { "127.0.0.1" }
https_ports = { }
consider_websocket_secure = true
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
modules_enabled = { "roster", "saslauth", "disco", "ping", "websocket", "bosh" }
modules_disabled = { "limits", "s2s", "tls" }
certificates = "/nonexistent"
authentication = "anonymous"
allow_anonymous_s2s = false
storage = "memory"
VirtualHost "localhost"
Component "conference.localhost" "muc"
  muc_room_default_history_length = 0
  restrict_room_creation = false
  max_history_messages = 0
