// Package tasks is the per-row work of each command, on top of the
// Webex-free stage runner in pipeline: the precheck (Prechecker), exactly
// once provisioning (Provisioner: an intent journaled before each POST, a
// look-up before any POST whose answer was lost), the follow-up commands
// (StatusChecker, ConsentSender, Remover), the customers named by the
// partner's own id (Customers), and the request bodies built from the
// column table (PrecheckRequest, ProvisionRequest). A new command adds its
// worker here.
package tasks
