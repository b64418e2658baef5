# FreeRADIUS 3.2 for the RADIUS tests: a configuration written into a
# directory of the test's own, loopback ports of its own, started in the
# foreground (-f) and stopped by its PID. Sourced by the test scripts.
#
#   fr_start DIR AUTH_PORT SECRET [MA]   start; MA=1 (default) makes the
#                                        server sign every Access answer
#   fr_stop DIR                          stop it (by the PID we started)
# FR_NETNS=NAME runs it inside that network namespace (its loopback).
#
# Users (the "files" module): alice / alice-pw (Framed-IP-Address
# 10.77.0.2, Class, Session-Timeout, Acct-Interim-Interval), bob / bob-pw
# (no extras), carol / carol-pw (Session-Timeout 2), dave / dave-pw
# (Idle-Timeout 2). The mschap module returns MS-CHAP2-Success / MS-CHAP-Error
# and the MPPE keys (RFC 2548) with encryption required, 128 bits only.
# Accounting goes to DIR/acct/detail.

fr_bin() { command -v freeradius || command -v radiusd; }

fr_start() {
    local dir=$1 port=$2 secret=$3 ma=${4:-1}
    mkdir -p "$dir/log" "$dir/run" "$dir/acct"
    cp /etc/freeradius/3.0/dictionary "$dir/dictionary"
    cat >"$dir/users" <<USERS
alice Cleartext-Password := "alice-pw"
      Framed-IP-Address = 10.77.0.2,
      Class = "upppd-class-alice",
      Session-Timeout = 3600,
      Acct-Interim-Interval = 600

bob Cleartext-Password := "bob-pw"

carol Cleartext-Password := "carol-pw"
      Session-Timeout = 2

dave Cleartext-Password := "dave-pw"
      Idle-Timeout = 2
USERS
    # Before FreeRADIUS 3.2.5 (Debian 12 has 3.2.1) Access answers carry a
    # Message-Authenticator only for EAP; adding one to the reply makes the
    # server compute it, which is what 3.2.5's
    # require_message_authenticator does by default.
    local sign=""
    [ "$ma" = 1 ] && sign="update reply { &Message-Authenticator := 0x00 }"
    cat >"$dir/radiusd.conf" <<CONF
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
logdir = $dir/log
raddbdir = $dir
radacctdir = $dir/acct
name = freeradius
confdir = $dir
modconfdir = /etc/freeradius/3.0/mods-config
run_dir = $dir/run
db_dir = $dir
libdir = /usr/lib/freeradius
pidfile = $dir/run/radiusd.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 16384
hostname_lookups = no
log {
    destination = files
    file = $dir/log/radius.log
    auth = yes
}
security {
    allow_core_dumps = no
    max_attributes = 200
    reject_delay = 0
    status_server = no
}
thread pool {
    start_servers = 4
    max_servers = 16
    min_spare_servers = 2
    max_spare_servers = 8
    max_requests_per_server = 0
}
client localhost {
    ipaddr = 127.0.0.1
    secret = $secret
}
modules {
    pap {
        normalise = yes
    }
    chap {
    }
    mschap {
        use_mppe = yes
        require_encryption = yes
        require_strong = yes
    }
    files {
        filename = $dir/users
    }
    detail {
        filename = $dir/acct/detail
        escape_filenames = no
        permissions = 0600
        header = "%t"
    }
}
server default {
    listen {
        type = auth
        ipaddr = 127.0.0.1
        port = $port
    }
    listen {
        type = acct
        ipaddr = 127.0.0.1
        port = $((port + 1))
    }
    authorize {
        files
        chap
        mschap
        pap
    }
    authenticate {
        Auth-Type PAP {
            pap
        }
        Auth-Type CHAP {
            chap
        }
        Auth-Type MS-CHAP {
            mschap
        }
    }
    accounting {
        detail
    }
    post-auth {
        $sign
        Post-Auth-Type REJECT {
            $sign
        }
    }
}
CONF
    local in=()
    [ -n "${FR_NETNS:-}" ] && in=(ip netns exec "$FR_NETNS")
    "${in[@]}" "$(fr_bin)" -f -d "$dir" -n radiusd -l "$dir/log/radius.log" >"$dir/log/stdout" 2>&1 &
    echo $! >"$dir/fr.pid"
    # Ready when it listens (or dead).
    for _ in $(seq 1 100); do
        if "${in[@]}" ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; then return 0; fi
        kill -0 "$(cat "$dir/fr.pid")" 2>/dev/null || break
        sleep 0.1
    done
    echo "freeradius did not start:" >&2
    cat "$dir/log/stdout" "$dir/log/radius.log" >&2 2>/dev/null
    return 1
}

fr_stop() {
    local dir=$1 pid
    pid=$(cat "$dir/fr.pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -f "$dir/fr.pid"
}
