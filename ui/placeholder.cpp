// The ui library's first file; replaced by the main window.
namespace overtext::ui {
}
