// fauxqs 2.4.1 always listens on 0.0.0.0 (FAUXQS_HOST only names the host in URLs it returns). Loaded with
// `node --import`, this keeps every server of the process on 127.0.0.1, as local test servers must be.
import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] !== null && typeof args[0] === "object" && "port" in args[0]) {
    args[0] = { ...args[0], host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
