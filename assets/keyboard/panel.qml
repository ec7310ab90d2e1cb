// The on-screen keyboard (Qt Virtual Keyboard: pinyin for zh_CN, English), embedded in the
// kiosk's window by ui/keyboard.py. typeKeys() lets the tests type as a finger would.
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

Item {
    id: root
    property real panelHeight: panel.height
    property bool active: Qt.inputMethod.visible
    InputPanel {
        id: panel
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
    }
    Component.onCompleted: {
        VirtualKeyboardSettings.activeLocales = ["zh_CN", "en_US"]
        VirtualKeyboardSettings.locale = "zh_CN"
    }
    // The panel's height over its width: Qt's style draws its keys to its design's shape.
    function useShape(shape) {
        var style = panel.keyboard.style
        style.keyboardDesignHeight = style.keyboardDesignWidth * shape
    }
    function useLocale(name) {
        VirtualKeyboardSettings.locale = name
    }
    function typeKeys(keys) {
        for (var i = 0; i < keys.length; ++i) {
            var ch = keys[i]
            if (ch === " ")
                InputContext.inputEngine.virtualKeyClick(Qt.Key_Space, " ", 0)
            else if (ch >= "0" && ch <= "9")
                InputContext.inputEngine.virtualKeyClick(Qt.Key_0 + ch.charCodeAt(0) - 48, ch, 0)
            else
                InputContext.inputEngine.virtualKeyClick(Qt.Key_A + ch.charCodeAt(0) - 97, ch, 0)
        }
    }
}
