// Preloaded into fauxqs with node --import (LocalEmulators.FauxqsAsync). fauxqs 2.4.1 listens on 0.0.0.0 whatever
// FAUXQS_HOST says (that variable only names the host in its queue URLs) and has no option for the address, so every
// TCP server of this process is made to listen on 127.0.0.1 instead.
import net from "node:net";

const loopback = "127.0.0.1";
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (first !== null && typeof first === "object" && "port" in first) {
    // listen({ port, host, ... }), as fastify calls it
    args[0] = { ...first, host: loopback };
  } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback])
    args.splice(1, typeof args[1] === "string" ? 1 : 0, loopback);
  }
  return listen.apply(this, args);
};
