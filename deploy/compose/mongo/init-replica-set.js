// Run once by the mongo-init service (mongosh against mongo-1): starts the replica set rs0 of the
// three members, or leaves it as it is when it already runs (the service may run again).
const members = ["mongo-1:27017", "mongo-2:27017", "mongo-3:27017"];
try {
  const status = rs.status();
  print(`replica set ${status.set} already initiated (${status.members.length} members)`);
} catch (err) {
  if (err.codeName !== "NotYetInitialized") throw err;
  rs.initiate({ _id: "rs0", members: members.map((host, i) => ({ _id: i, host, priority: i === 0 ? 2 : 1 })) });
  print("replica set rs0 initiated");
}
