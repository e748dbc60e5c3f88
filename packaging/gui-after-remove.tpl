#!/bin/bash
# After removing qubes-stateless (GUI): the launcher link goes; on an upgrade ($1 > 0 in an RPM %postun) it stays.
if [ "$1" = "0" ] || [ -z "$1" ]; then
    rm -f '/usr/bin/${executable}'
fi
