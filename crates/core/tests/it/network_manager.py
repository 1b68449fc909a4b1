"""A stand-in for NetworkManager on a private bus, for the test of the
metered-connection check: the one property Shipshape reads,
org.freedesktop.NetworkManager.Metered, from the file named on the command
line (NetworkManager's numbers: 1 yes, 2 no, 3 guessed yes, 4 guessed no).

Usage: network_manager.py BUS_ADDRESS VALUE_FILE
"""

import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

INTERFACE = "org.freedesktop.NetworkManager"
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.bus.BusConnection(sys.argv[1])
value_file = sys.argv[2]


def metered():
    with open(value_file) as f:
        return dbus.UInt32(int(f.read().strip()))


class NetworkManager(dbus.service.Object):
    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="ss", out_signature="v")
    def Get(self, interface, name):
        if interface != INTERFACE or name != "Metered":
            raise dbus.exceptions.DBusException("org.freedesktop.DBus.Error.UnknownProperty")
        return metered()

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return {"Metered": metered()} if interface == INTERFACE else {}


name = dbus.service.BusName(INTERFACE, bus)
NetworkManager(bus, "/org/freedesktop/NetworkManager")
print("ready", flush=True)
GLib.MainLoop().run()
