import SwarmTUI

/// What `InteractiveApp.run` does for one input event, minus the terminal: keys through the
/// decoder and line editor, the controller's typing hooks, then model → `ChatRenderer` →
/// `ANSI.frame` against the previous screen. The bytes a terminal would be sent are returned,
/// not written, so a frame's cost is the client's own work.
final class FramePipe {
    let controller: ChatController
    let width: Int
    let height: Int
    var editor = LineEditor()
    var decoder = KeyDecoder()
    var previous: Screen?

    init(controller: ChatController, width: Int, height: Int) {
        self.controller = controller
        self.width = width
        self.height = height
    }

    /// Bytes typed at the terminal until the redraw they cause is produced.
    func type(_ bytes: [UInt8]) async -> String {
        for key in decoder.feed(bytes) {
            _ = editor.handle(key)
            if case .char = key { await controller.userTyped() }
        }
        await controller.inputChanged(String(editor.text))
        return await redraw()
    }

    /// One frame of the current model (a model change or a tick in the app).
    func redraw() async -> String {
        let model = await controller.model
        _ = await controller.takeAlerts()
        let screen = ChatRenderer().render(model, editor: editor, width: width, height: height)
        let bytes = ANSI.frame(screen, previous: previous, colors: true)
        previous = screen
        return bytes
    }

    /// The next frame is drawn in full, as after start-up or Ctrl-L.
    func forgetScreen() { previous = nil }
}
