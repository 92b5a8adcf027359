// Shared test helpers live in this folder (fake servers, PDF generators).
namespace testsupport {
}
