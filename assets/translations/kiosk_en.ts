<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AnnouncementStrip</name>
    <message>
        <source>公告</source>
        <translation>Notice</translation>
    </message>
    <message>
        <source>提醒</source>
        <translation>Alert</translation>
    </message>
</context>
<context>
    <name>ApplyScreen</name>
    <message>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>上一步</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>办理其他业务</source>
        <translation>Another service</translation>
    </message>
    <message>
        <source>修改填写的信息</source>
        <translation>Change my answers</translation>
    </message>
    <message>
        <source>拍摄</source>
        <translation>Capture</translation>
    </message>
    <message>
        <source>重拍此页</source>
        <translation>Retake this page</translation>
    </message>
    <message>
        <source>删除此页</source>
        <translation>Delete this page</translation>
    </message>
    <message>
        <source>开始申请</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>重新提交</source>
        <translation>Submit again</translation>
    </message>
    <message>
        <source>提交申请</source>
        <translation>Submit</translation>
    </message>
    <message>
        <source>重试</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>填写信息</source>
        <translation>Your answers</translation>
    </message>
    <message>
        <source>拍摄材料</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>确认提交</source>
        <translation>Check and submit</translation>
    </message>
    <message>
        <source>第 %1 步 / 共 %2 步：%3</source>
        <translation>Step %1 of %2: %3</translation>
    </message>
    <message>
        <source>补正材料</source>
        <translation>Add documents</translation>
    </message>
    <message>
        <source>办理本事项需要以下材料：</source>
        <translation>To apply you will need:</translation>
    </message>
    <message>
        <source>承办部门：%1</source>
        <translation>Decided by: %1</translation>
    </message>
    <message>
        <source>承诺时限：%1 个工作日内办结</source>
        <translation>Decided within %1 working days</translation>
    </message>
    <message>
        <source>一次申请，各部门按顺序分别办理，每一步都会短信通知您</source>
        <translation>One application; each department decides in turn, and you get a text message at each step</translation>
    </message>
    <message>
        <source>%1（数据共享，无需携带）</source>
        <translation>%1 (already on file, nothing to bring)</translation>
    </message>
    <message>
        <source>%1（现场拍摄，最多 %2 页）</source>
        <translation>%1 (captured here, up to %2 pages)</translation>
    </message>
    <message>
        <source>%1（现场拍摄）</source>
        <translation>%1 (captured here)</translation>
    </message>
    <message>
        <source>办理结果如何领取？</source>
        <translation>How would you like to receive the result?</translation>
    </message>
    <message>
        <source>请输入收件地址</source>
        <translation>Please type the postal address</translation>
    </message>
    <message>
        <source>邮寄到家</source>
        <translation>Post it to me</translation>
    </message>
    <message>
        <source>已登记的信息会自动填写，不需要更改可直接点“下一步”</source>
        <translation>What is on file is filled in for you; if it is right, just tap “Next”</translation>
    </message>
    <message>
        <source>（%1/%2）</source>
        <translation>(%1/%2)</translation>
    </message>
    <message>
        <source>自取：%1</source>
        <translation>Collect at: %1</translation>
    </message>
    <message>
        <source>自取</source>
        <translation>Collect it</translation>
    </message>
    <message>
        <source>%1：第 %2 项 / 共 %3 项</source>
        <translation>%1: document %2 of %3</translation>
    </message>
    <message>
        <source>正在拍摄，请不要移动材料…</source>
        <translation>Capturing; please keep the document still…</translation>
    </message>
    <message>
        <source>请将材料平放在拍摄区，然后点“拍摄”</source>
        <translation>Lay the document flat under the camera, then tap “Capture”</translation>
    </message>
    <message>
        <source>已拍 %1 页，最多 %2 页；点一页可以重拍或删除</source>
        <translation>%1 page(s) captured, up to %2; tap a page to retake or delete it</translation>
    </message>
    <message>
        <source>拍摄第 %1 页</source>
        <translation>Capture page %1</translation>
    </message>
    <message>
        <source>请核对以下材料，确认后提交</source>
        <translation>Please check the documents, then submit</translation>
    </message>
    <message>
        <source>请核对以下信息，确认无误后提交</source>
        <translation>Please check your answers, then submit</translation>
    </message>
    <message>
        <source>已登记的信息</source>
        <translation>As on file</translation>
    </message>
    <message>
        <source>邮寄：%1</source>
        <translation>Post to: %1</translation>
    </message>
    <message>
        <source>领取方式</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>数据共享，无需携带</source>
        <translation>On file, nothing to bring</translation>
    </message>
    <message>
        <source>已拍摄 %1 页</source>
        <translation>%1 page(s) captured</translation>
    </message>
    <message>
        <source>未拍摄</source>
        <translation>Not captured</translation>
    </message>
    <message>
        <source>正在提交申请，请稍候…</source>
        <translation>Submitting your application, please wait…</translation>
    </message>
    <message>
        <source>申请没有提交成功</source>
        <translation>The application was not submitted</translation>
    </message>
    <message>
        <source>申请已提交</source>
        <translation>Application submitted</translation>
    </message>
    <message>
        <source>受理号：%1</source>
        <translation>Application no.: %1</translation>
    </message>
    <message>
        <source>承诺 %1 前办结</source>
        <translation>To be decided by %1</translation>
    </message>
    <message>
        <source>每一步办理进度都会短信通知您，也可在“办件查询”中查看</source>
        <translation>You will get a text message at each step; you can also check under “My applications”</translation>
    </message>
</context>
<context>
    <name>AttractScreen</name>
    <message>
        <source>请将身份证放在感应区</source>
        <translation>Please place your ID card on the reader</translation>
    </message>
    <message>
        <source>感应区在屏幕下方，身份证平放后请不要移动；也可将社会保障卡插入读卡器</source>
        <translation>The reader is below the screen. Lay the ID card flat and keep it still, or insert your social security card.</translation>
    </message>
    <message>
        <source>感应区在屏幕下方，身份证平放后请不要移动，读取约需 1 秒</source>
        <translation>The reader is below the screen. Lay the card flat and keep it still; reading takes about 1 second.</translation>
    </message>
    <message>
        <source>身份证读卡器暂时无法使用</source>
        <translation>The ID card reader is out of service</translation>
    </message>
    <message>
        <source>请联系村便民服务站工作人员，或稍后再来</source>
        <translation>Please ask the staff of the village service point, or come back later.</translation>
    </message>
    <message>
        <source>没带身份证？</source>
        <translation>No ID card with you?</translation>
    </message>
    <message>
        <source>用手机验证码办理</source>
        <translation>Sign in with a text message code</translation>
    </message>
    <message>
        <source>办理业务全程免费，个人信息在退出后立即清除</source>
        <translation>All services are free. Your personal data is erased as soon as you leave.</translation>
    </message>
    <message>
        <source>办理已超时，已自动退出并清除您的信息。
如需继续办理，请重新放置身份证。</source>
        <translation>Your session timed out and your data was cleared.
To go on, place your ID card again.</translation>
    </message>
    <message>
        <source>标准模式</source>
        <translation>Standard mode</translation>
    </message>
    <message>
        <source>长辈模式</source>
        <translation>Large text</translation>
    </message>
    <message>
        <source>语言 / English</source>
        <translation>Language / 中文</translation>
    </message>
    <message>
        <source>服务预览</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>找人帮忙</source>
        <translation>Ask for help</translation>
    </message>
</context>
<context>
    <name>CardSwapOverlay</name>
    <message>
        <source>是否结束当前业务？</source>
        <translation>End the current session?</translation>
    </message>
    <message>
        <source>读卡器上放了另一张证件。结束后，当前办理的信息将被清除，再为新证件办理</source>
        <translation>Another card is on the reader. Ending clears this session&apos;s information, then the new card is served</translation>
    </message>
    <message>
        <source>继续当前业务</source>
        <translation>Keep this session</translation>
    </message>
    <message>
        <source>结束，办理新证件</source>
        <translation>End it, serve the new card</translation>
    </message>
</context>
<context>
    <name>CertificateScreen</name>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>左侧是第 1 页的预览（共 %1 页）。请核对姓名和内容，无误后点击“确认打印”</source>
        <translation>On the left: page 1 of %1, as it will print. Check your name and the content, then tap “Print”</translation>
    </message>
    <message>
        <source>证明打印在 A4 纸上，带二维码和验证码，可扫码核验真伪</source>
        <translation>Printed on A4 paper with a QR code and a verification code, so anyone can check that it is genuine</translation>
    </message>
    <message>
        <source>正在开具证明</source>
        <translation>Issuing your certificate</translation>
    </message>
    <message>
        <source>请稍候，不要离开</source>
        <translation>Please wait, do not leave</translation>
    </message>
    <message>
        <source>正在打印</source>
        <translation>Printing</translation>
    </message>
    <message>
        <source>打印完成后，请从下方出纸口取走证明</source>
        <translation>When printing is done, take the certificate from the paper slot below</translation>
    </message>
    <message>
        <source>预览没有生成：</source>
        <translation>The preview could not be made: </translation>
    </message>
    <message>
        <source>正在生成预览…</source>
        <translation>Preparing the preview…</translation>
    </message>
    <message>
        <source>重新生成预览</source>
        <translation>Try the preview again</translation>
    </message>
    <message>
        <source>确认打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>证明没有打印出来</source>
        <translation>The certificate was not printed</translation>
    </message>
    <message>
        <source>您的证明（编号 %1）已经开具。可以再试一次；也可在 %2 小时内在本机或其他自助终端重新打印同一份证明，不会重复开具</source>
        <translation>Your certificate (no. %1) has been issued. You can try again, or print the same certificate within %2 hours at this or any other self-service kiosk; it will not be issued twice</translation>
    </message>
    <message>
        <source>重新打印</source>
        <translation>Print again</translation>
    </message>
    <message>
        <source>证明还没有开具，可以再试一次</source>
        <translation>No certificate has been issued yet; you can try again</translation>
    </message>
    <message>
        <source>再试一次</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>如需帮助，请联系村便民服务站工作人员</source>
        <translation>For help, please ask the staff of the village service point.</translation>
    </message>
</context>
<context>
    <name>CrashScreen</name>
    <message>
        <source>系统暂时无法使用，请联系工作人员</source>
        <translation>The system is out of service. Please ask the staff for help.</translation>
    </message>
    <message>
        <source>故障编号：%1</source>
        <translation>Fault number: %1</translation>
    </message>
    <message>
        <source>系统正在自动恢复，请稍候</source>
        <translation>The system is restarting, please wait.</translation>
    </message>
    <message>
        <source>您的个人信息已清除</source>
        <translation>Your personal data has been erased.</translation>
    </message>
</context>
<context>
    <name>DemoPanel</name>
    <message>
        <source>左上角</source>
        <translation> top-left corner</translation>
    </message>
    <message>
        <source>右上角</source>
        <translation> top-right corner</translation>
    </message>
    <message>
        <source>左下角</source>
        <translation> bottom-left corner</translation>
    </message>
    <message>
        <source>右下角</source>
        <translation> bottom-right corner</translation>
    </message>
    <message>
        <source>演示面板（F12 隐藏；数字键 1–3 放卡，0 移开）</source>
        <translation>Demo panel (F12 hides it; keys 1–3 place a card, 0 lifts it)</translation>
    </message>
    <message>
        <source>放置身份证：%1</source>
        <translation>Place ID card: %1</translation>
    </message>
    <message>
        <source>移开身份证</source>
        <translation>Lift the ID card</translation>
    </message>
    <message>
        <source>放置无法读取的卡</source>
        <translation>Unreadable card</translation>
    </message>
    <message>
        <source>手机验证码：演示居民 %1，身份证号码</source>
        <translation>Text message code: demo resident %1, ID number</translation>
    </message>
    <message>
        <source>演示中心发出的验证码：%1（发往 %2）</source>
        <translation>Code sent by the demo centre: %1 (to %2)</translation>
    </message>
    <message>
        <source>演示中心发出的验证码：尚未发送</source>
        <translation>Code sent by the demo centre: none yet</translation>
    </message>
    <message>
        <source>维护：按住屏幕%1 %2 秒，密码 %3</source>
        <translation>Maintenance: hold the screen&apos;s%1 for %2 s, PIN %3</translation>
    </message>
    <message>
        <source>维护：按住屏幕%1 %2 秒，输入配置的密码</source>
        <translation>Maintenance: hold the screen&apos;s%1 for %2 s, then the configured PIN</translation>
    </message>
    <message>
        <source>部门工作台：%1
账号 clerk-minzheng，密码 demo</source>
        <translation>Department workbench: %1
user clerk-minzheng, password demo</translation>
    </message>
    <message>
        <source>语音：%1</source>
        <translation>Voice: %1</translation>
    </message>
    <message>
        <source>打印机装纸</source>
        <translation>Printer: load paper</translation>
    </message>
    <message>
        <source>打印机取出纸张</source>
        <translation>Printer: take paper out</translation>
    </message>
</context>
<context>
    <name>DiagnosticsScreen</name>
    <message>
        <source>终端维护</source>
        <translation>Maintenance</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>退出维护</source>
        <translation>Leave maintenance</translation>
    </message>
    <message>
        <source>设备</source>
        <translation>Devices</translation>
    </message>
    <message>
        <source>系统</source>
        <translation>System</translation>
    </message>
    <message>
        <source>日志</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>请放置身份证或插入社保卡…</source>
        <translation>Place an ID card or insert a social security card…</translation>
    </message>
    <message>
        <source>测试中…</source>
        <translation>Testing…</translation>
    </message>
    <message>
        <source>测试通过：%1</source>
        <translation>Test passed: %1</translation>
    </message>
    <message>
        <source>测试失败：%1</source>
        <translation>Test failed: %1</translation>
    </message>
    <message>
        <source>身份证读卡器</source>
        <translation>ID card reader</translation>
    </message>
    <message>
        <source>社保卡读卡器</source>
        <translation>Social security card reader</translation>
    </message>
    <message>
        <source>A4 打印机</source>
        <translation>A4 printer</translation>
    </message>
    <message>
        <source>回执打印机</source>
        <translation>Receipt printer</translation>
    </message>
    <message>
        <source>材料拍摄仪</source>
        <translation>Document camera</translation>
    </message>
    <message>
        <source>语音播报</source>
        <translation>Voice</translation>
    </message>
    <message>
        <source>中心服务</source>
        <translation>Central service</translation>
    </message>
    <message>
        <source>读卡测试</source>
        <translation>Read a card</translation>
    </message>
    <message>
        <source>打印测试页</source>
        <translation>Print test page</translation>
    </message>
    <message>
        <source>打印测试回执</source>
        <translation>Print test slip</translation>
    </message>
    <message>
        <source>拍摄测试</source>
        <translation>Capture a page</translation>
    </message>
    <message>
        <source>语音测试</source>
        <translation>Test voice</translation>
    </message>
    <message>
        <source>连接测试</source>
        <translation>Test connection</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>注意</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>异常</source>
        <translation>Fault</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <source>软件版本：%1</source>
        <translation>Software version: %1</translation>
    </message>
    <message>
        <source>已运行：%1</source>
        <translation>Running for: %1</translation>
    </message>
    <message>
        <source>磁盘可用：%1 GB / %2 GB</source>
        <translation>Disk free: %1 GB of %2 GB</translation>
    </message>
    <message>
        <source>待发送事件：未配置中心服务</source>
        <translation>Outbox: no central service configured</translation>
    </message>
    <message>
        <source>待发送事件：%1 条（最早 %2），被拒收 %3 条</source>
        <translation>Outbox: %1 waiting (oldest %2), %3 refused</translation>
    </message>
    <message>
        <source>%1：%2 条待发送，%3 条被拒收</source>
        <translation>%1: %2 waiting, %3 refused</translation>
    </message>
    <message>
        <source>串口：</source>
        <translation>Serial ports:</translation>
    </message>
    <message>
        <source>未配置串口设备</source>
        <translation>No serial devices configured</translation>
    </message>
    <message>
        <source>不存在</source>
        <translation>missing</translation>
    </message>
    <message>
        <source>可访问</source>
        <translation>accessible</translation>
    </message>
    <message>
        <source>无权访问（将 kiosk 用户加入 %1 组）</source>
        <translation>no access (add the kiosk user to group %1)</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <source>办理完成</source>
        <translation>All done</translation>
    </message>
    <message>
        <source>请取走您的身份证和打印材料</source>
        <translation>Please take your ID card and your printouts.</translation>
    </message>
    <message>
        <source>演示模式：证明已保存为 PDF，位于 %1</source>
        <translation>Demo mode: the certificate was saved as a PDF in %1</translation>
    </message>
    <message>
        <source>证明编号：%1</source>
        <translation>Certificate no.: %1</translation>
    </message>
    <message>
        <source>回执已打印，请取走</source>
        <translation>Your receipt has printed; please take it</translation>
    </message>
    <message>
        <source>返回评价</source>
        <translation>Back to rating</translation>
    </message>
    <message>
        <source>更多</source>
        <translation>More</translation>
    </message>
    <message>
        <source>正在打印回执</source>
        <translation>Printing the receipt</translation>
    </message>
    <message>
        <source>打印回执</source>
        <translation>Print a receipt</translation>
    </message>
    <message>
        <source>退出后，您的个人信息将立即从本机清除</source>
        <translation>When you leave, your personal data is erased from this kiosk at once.</translation>
    </message>
    <message>
        <source>请对本次服务进行评价，评价后自动退出</source>
        <translation>Please rate this service; rating ends your session</translation>
    </message>
    <message>
        <source>非常满意</source>
        <translation>Very good</translation>
    </message>
    <message>
        <source>满意</source>
        <translation>Good</translation>
    </message>
    <message>
        <source>基本满意</source>
        <translation>Fair</translation>
    </message>
    <message>
        <source>不满意</source>
        <translation>Poor</translation>
    </message>
    <message>
        <source>非常不满意</source>
        <translation>Very poor</translation>
    </message>
    <message>
        <source>办理其他业务</source>
        <translation>Another service</translation>
    </message>
    <message>
        <source>不评价，退出</source>
        <translation>Exit without rating</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
</context>
<context>
    <name>ElderOfferOverlay</name>
    <message>
        <source>是否切换到长辈模式？</source>
        <translation>Switch to the senior mode?</translation>
    </message>
    <message>
        <source>字更大，每一步都有语音提示。只在本次办理中有效</source>
        <translation>Larger text, and every step is spoken. For this visit only</translation>
    </message>
    <message>
        <source>不用了</source>
        <translation>No, thanks</translation>
    </message>
    <message>
        <source>切换到长辈模式</source>
        <translation>Switch to senior mode</translation>
    </message>
</context>
<context>
    <name>ErrorScreen</name>
    <message>
        <source>暂时无法办理</source>
        <translation>This cannot be done right now</translation>
    </message>
    <message>
        <source>如需帮助，请联系村便民服务站工作人员</source>
        <translation>For help, please ask the staff of the village service point.</translation>
    </message>
    <message>
        <source>返回首页</source>
        <translation>Back to start</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>%1 · 政务服务自助终端</source>
        <translation>%1 · Government Service Kiosk</translation>
    </message>
    <message>
        <source>演示模式</source>
        <translation>DEMO</translation>
    </message>
    <message>
        <source>星期一</source>
        <translation>Monday</translation>
    </message>
    <message>
        <source>星期二</source>
        <translation>Tuesday</translation>
    </message>
    <message>
        <source>星期三</source>
        <translation>Wednesday</translation>
    </message>
    <message>
        <source>星期四</source>
        <translation>Thursday</translation>
    </message>
    <message>
        <source>星期五</source>
        <translation>Friday</translation>
    </message>
    <message>
        <source>星期六</source>
        <translation>Saturday</translation>
    </message>
    <message>
        <source>星期日</source>
        <translation>Sunday</translation>
    </message>
    <message>
        <source>%1年%2月%3日 %4</source>
        <comment>year, month, day, weekday</comment>
        <translation>%4 %3/%2/%1</translation>
    </message>
</context>
<context>
    <name>HelpScreen</name>
    <message>
        <source>帮办员 %1</source>
        <translation>Helper %1</translation>
    </message>
    <message>
        <source>工作人员</source>
        <translation>The staff</translation>
    </message>
    <message>
        <source>今天</source>
        <translation>today</translation>
    </message>
    <message>
        <source>明天</source>
        <translation>tomorrow</translation>
    </message>
    <message>
        <source>找人帮忙</source>
        <translation>Ask for help</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>请帮办员联系我</source>
        <translation>Ask the helper to contact me</translation>
    </message>
    <message>
        <source>同意帮办员打我登记的手机</source>
        <translation>The helper may call my registered phone</translation>
    </message>
    <message>
        <source>村里的帮办员可以帮您办理，也可以上门服务</source>
        <translation>The village helper can do it with you, or come to your home</translation>
    </message>
    <message>
        <source>帮办员会打电话给您，只用于这次帮忙</source>
        <translation>The helper will phone you, only about this request</translation>
    </message>
    <message>
        <source>您还没有放身份证：帮办员会到这台终端来找您</source>
        <translation>You have not placed your ID card: the helper will come to this kiosk</translation>
    </message>
    <message>
        <source>正在通知帮办员…</source>
        <translation>Telling the helper…</translation>
    </message>
    <message>
        <source>%1 会在 %2 前给您回电话</source>
        <translation>%1 will call you back by %2</translation>
    </message>
    <message>
        <source>%1 会在 %2 前到这台终端来</source>
        <translation>%1 will come to this kiosk by %2</translation>
    </message>
    <message>
        <source>也可以直接到村便民服务站找工作人员</source>
        <translation>You can also ask the staff at the village service desk</translation>
    </message>
    <message>
        <source>求助已记录，联网后会自动发给帮办员</source>
        <translation>Your request is saved and goes to the helper as soon as the kiosk is online</translation>
    </message>
    <message>
        <source>着急的话，请到村便民服务站找工作人员</source>
        <translation>If it is urgent, please ask the staff at the village service desk</translation>
    </message>
</context>
<context>
    <name>IdentifyingScreen</name>
    <message>
        <source>正在读取身份证</source>
        <translation>Reading your ID card</translation>
    </message>
    <message>
        <source>请不要移动身份证</source>
        <translation>Please keep the card still</translation>
    </message>
    <message>
        <source>读取完成后，请按屏幕提示办理</source>
        <translation>When it is read, follow the instructions on the screen.</translation>
    </message>
</context>
<context>
    <name>InServiceScreen</name>
    <message>
        <source>本机暂未开通此项服务的自助办理</source>
        <translation>This service is not yet available at this kiosk</translation>
    </message>
    <message>
        <source>请选择其他服务，或到村便民服务站窗口办理</source>
        <translation>Please choose another service, or ask at the village service point&apos;s counter.</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
</context>
<context>
    <name>MenuScreen</name>
    <message>
        <source>%1 等 %2 项</source>
        <translation>%1 and more: %2 services</translation>
    </message>
    <message>
        <source>证明打印</source>
        <translation>Print a certificate</translation>
    </message>
    <message>
        <source>信息查询</source>
        <translation>Look up records</translation>
    </message>
    <message>
        <source>我要申请</source>
        <translation>Apply</translation>
    </message>
    <message>
        <source>其他业务</source>
        <translation>Other services</translation>
    </message>
    <message>
        <source>您好，%1</source>
        <translation>Hello, %1</translation>
    </message>
    <message>
        <source>%1：请选择要办理的业务</source>
        <translation>%1: please choose a service</translation>
    </message>
    <message>
        <source>身份证号：%1  请选择要办理的业务</source>
        <translation>ID number: %1 — please choose a service</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>找人帮忙</source>
        <translation>Ask for help</translation>
    </message>
    <message>
        <source>更多业务</source>
        <translation>More services</translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message>
        <source>终端维护登录</source>
        <translation>Maintenance sign-in</translation>
    </message>
    <message>
        <source>仅限县级运维人员。请输入维护密码（至少 6 位数字）。</source>
        <translation>County technicians only. Enter the maintenance PIN (at least 6 digits).</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>正在核对…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>确认</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>本机未设置维护密码（technician.pin_hash），无法进入维护。</source>
        <translation>No maintenance PIN is set on this kiosk (technician.pin_hash): maintenance is closed.</translation>
    </message>
    <message>
        <source>密码错误次数过多，维护已锁定，请 %1 分钟后再试。</source>
        <translation>Too many wrong PINs: maintenance is locked. Try again in %1 minutes.</translation>
    </message>
    <message>
        <source>密码错误，还可尝试 %1 次。</source>
        <translation>Wrong PIN. %1 tries left.</translation>
    </message>
</context>
<context>
    <name>PreviewScreen</name>
    <message>
        <source>可办理的服务</source>
        <translation>Services available</translation>
    </message>
    <message>
        <source>请将身份证放在感应区，读取后即可办理以下服务</source>
        <translation>Place your ID card on the reader to use these services</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>更多业务</source>
        <translation>More services</translation>
    </message>
</context>
<context>
    <name>ProgressScreen</name>
    <message>
        <source>办件查询</source>
        <translation>My applications</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>下一页</source>
        <translation>Next page</translation>
    </message>
    <message>
        <source>重试</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>补正材料</source>
        <translation>Add documents</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>正在查询，请稍候</source>
        <translation>Looking it up, please wait</translation>
    </message>
    <message>
        <source>查询没有完成</source>
        <translation>The query did not finish</translation>
    </message>
    <message>
        <source>暂无申请记录</source>
        <translation>No applications yet</translation>
    </message>
    <message>
        <source>在“我要申请”中提交的申请会显示在这里</source>
        <translation>Applications you submit under “Apply” show here</translation>
    </message>
    <message>
        <source>（已超期）</source>
        <translation> (overdue)</translation>
    </message>
    <message>
        <source>受理号 %1 · %2</source>
        <translation>No. %1 · %2</translation>
    </message>
    <message>
        <source> · 承诺 %1 前办结</source>
        <translation> · due by %1</translation>
    </message>
    <message>
        <source>第 %1 页 / 共 %2 页</source>
        <translation>Page %1 of %2</translation>
    </message>
    <message>
        <source>受理号 %1</source>
        <translation>No. %1</translation>
    </message>
    <message>
        <source>承诺办结：%1</source>
        <translation>Due by: %1</translation>
    </message>
    <message>
        <source>请补充拍摄：%1</source>
        <translation>Please capture again: %1</translation>
    </message>
</context>
<context>
    <name>RatingScreen</name>
    <message>
        <source>非常满意</source>
        <translation>Very good</translation>
    </message>
    <message>
        <source>满意</source>
        <translation>Good</translation>
    </message>
    <message>
        <source>基本满意</source>
        <translation>Fair</translation>
    </message>
    <message>
        <source>不满意</source>
        <translation>Poor</translation>
    </message>
    <message>
        <source>非常不满意</source>
        <translation>Very poor</translation>
    </message>
    <message>
        <source>您的评价：%1</source>
        <translation>Your rating: %1</translation>
    </message>
    <message>
        <source>很抱歉给您带来不便</source>
        <translation>We are sorry for the trouble</translation>
    </message>
    <message>
        <source>感谢您的认可</source>
        <translation>Thank you</translation>
    </message>
    <message>
        <source>评价只用于改进服务，不含您的个人信息</source>
        <translation>Ratings only help us improve; they hold none of your personal data</translation>
    </message>
    <message>
        <source>请选择不满意的原因（可多选，也可不选）</source>
        <translation>What went wrong? Tap any that apply, or none</translation>
    </message>
    <message>
        <source>办理时间长</source>
        <translation>Took too long</translation>
    </message>
    <message>
        <source>操作复杂</source>
        <translation>Hard to use</translation>
    </message>
    <message>
        <source>机器故障</source>
        <translation>Machine fault</translation>
    </message>
    <message>
        <source>打印有误</source>
        <translation>Printout wrong</translation>
    </message>
    <message>
        <source>看不清/听不清</source>
        <translation>Hard to see or hear</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Something else</translation>
    </message>
    <message>
        <source>重新选择</source>
        <translation>Change rating</translation>
    </message>
    <message>
        <source>不评价，退出</source>
        <translation>Exit without rating</translation>
    </message>
    <message>
        <source>提交评价</source>
        <translation>Send rating</translation>
    </message>
</context>
<context>
    <name>RecordsScreen</name>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>上一页</source>
        <translation>Previous page</translation>
    </message>
    <message>
        <source>下一页</source>
        <translation>Next page</translation>
    </message>
    <message>
        <source>重试</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>朗读本页</source>
        <translation>Read this page</translation>
    </message>
    <message>
        <source>查询没有完成</source>
        <translation>The query did not finish</translation>
    </message>
    <message>
        <source>正在查询，请稍候</source>
        <translation>Looking up your records…</translation>
    </message>
    <message>
        <source>暂无%1</source>
        <translation>No %1 yet</translation>
    </message>
    <message>
        <source>如有疑问，请咨询村便民服务站工作人员</source>
        <translation>If you have questions, ask the staff of the village service station</translation>
    </message>
    <message>
        <source>打印查询结果</source>
        <translation>Print the result</translation>
    </message>
    <message>
        <source>正在打印查询结果（全部 %1 条），请稍候…</source>
        <translation>Printing the result (all %1 entries), please wait…</translation>
    </message>
    <message>
        <source>正在查询第 %1 页</source>
        <translation>Loading page %1…</translation>
    </message>
    <message>
        <source>第 %1 页 / 共 %2 页</source>
        <translation>Page %1 of %2</translation>
    </message>
</context>
<context>
    <name>ResidentMessages</name>
    <message>
        <source>读取身份证失败，请重新放置身份证</source>
        <translation>The ID card could not be read. Please place it on the reader again.</translation>
    </message>
    <message>
        <source>未能读取身份证，请将身份证平放在感应区，不要移动</source>
        <translation>The ID card could not be read. Lay it flat on the reader and keep it still.</translation>
    </message>
    <message>
        <source>身份证读卡器暂时无法使用，请联系工作人员</source>
        <translation>The ID card reader is out of service. Please ask the staff for help.</translation>
    </message>
    <message>
        <source>服务中心暂时无法访问，请稍后再试</source>
        <translation>The service centre cannot be reached right now. Please try again later.</translation>
    </message>
    <message>
        <source>暂时无法连接服务中心，请稍后再试</source>
        <translation>Cannot connect to the service centre right now. Please try again later.</translation>
    </message>
    <message>
        <source>服务中心响应超时，请稍后再试</source>
        <translation>The service centre did not answer in time. Please try again later.</translation>
    </message>
    <message>
        <source>无法安全连接服务中心，请联系工作人员</source>
        <translation>No secure connection to the service centre. Please ask the staff for help.</translation>
    </message>
    <message>
        <source>服务中心返回的数据有误，请稍后再试或联系工作人员</source>
        <translation>The service centre sent a faulty answer. Please try again later or ask the staff.</translation>
    </message>
    <message>
        <source>终端认证失败，请联系工作人员</source>
        <translation>This kiosk was not recognised by the service centre. Please ask the staff for help.</translation>
    </message>
    <message>
        <source>操作超时，请重新放置身份证</source>
        <translation>Your session has timed out. Please place your ID card again.</translation>
    </message>
    <message>
        <source>此证件暂时无法在本机办理，请到村便民服务站窗口办理</source>
        <translation>This card cannot be used at this kiosk. Please go to the counter of the village service point.</translation>
    </message>
    <message>
        <source>此项业务需刷身份证办理</source>
        <translation>This service needs your ID card on the reader</translation>
    </message>
    <message>
        <source>身份证号码由数字组成，只有最后一位可以是 X</source>
        <translation>An ID number has digits only; just the last one may be X</translation>
    </message>
    <message>
        <source>第 7–14 位是出生日期，这几位不正确，请核对</source>
        <translation>Digits 7–14 are the date of birth and are not right; please check them</translation>
    </message>
    <message>
        <source>身份证号码最后一位校验不符，请核对后重新输入</source>
        <translation>The last character does not match the rest of the number; please check and type it again</translation>
    </message>
    <message>
        <source>请输入完整的 18 位身份证号码</source>
        <translation>Please enter all 18 characters of the ID number</translation>
    </message>
    <message>
        <source>请输入 6 位验证码</source>
        <translation>Please enter the 6-digit code</translation>
    </message>
    <message>
        <source>无法识别该证件，请放置居民身份证</source>
        <translation>This card is not recognised. Please place a resident ID card.</translation>
    </message>
    <message>
        <source>证件信息校验失败，请联系工作人员</source>
        <translation>The card&apos;s data could not be verified. Please ask the staff.</translation>
    </message>
    <message>
        <source>证件校验失败，请重新放置证件</source>
        <translation>The card could not be verified. Please place it again.</translation>
    </message>
    <message>
        <source>证件校验失败，请重新放置证件；仍失败请联系工作人员</source>
        <translation>The card could not be verified. Place it again; if it still fails, ask the staff.</translation>
    </message>
    <message>
        <source>请将证件放稳，不要移动</source>
        <translation>Please keep the card still on the reader.</translation>
    </message>
    <message>
        <source>请将身份证放在感应区</source>
        <translation>Please place your ID card on the reader</translation>
    </message>
    <message>
        <source>读卡器故障，请联系工作人员</source>
        <translation>The card reader is faulty. Please ask the staff.</translation>
    </message>
    <message>
        <source>读卡器通信异常，请稍后重试</source>
        <translation>The card reader is not responding properly. Please try again shortly.</translation>
    </message>
    <message>
        <source>读卡失败，请将证件平放不要移动</source>
        <translation>The card could not be read. Lay it flat and keep it still.</translation>
    </message>
    <message>
        <source>读卡失败，请重新放置证件</source>
        <translation>The card could not be read. Please place it again.</translation>
    </message>
    <message>
        <source>证件信息校验失败，请到村便民服务站窗口办理</source>
        <translation>The card&apos;s data could not be verified. Please go to the counter of the village service point.</translation>
    </message>
    <message>
        <source>读取社会保障卡失败，请重新插卡</source>
        <translation>The social security card could not be read. Please insert it again.</translation>
    </message>
    <message>
        <source>请将社会保障卡插入读卡器</source>
        <translation>Please insert your social security card into the reader.</translation>
    </message>
    <message>
        <source>读卡时卡片被取出，请重新插入社会保障卡</source>
        <translation>The card was removed while it was being read. Please insert it again.</translation>
    </message>
    <message>
        <source>这不是社会保障卡，请插入社会保障卡</source>
        <translation>This is not a social security card. Please insert a social security card.</translation>
    </message>
    <message>
        <source>回执打印机暂时无法使用，请联系工作人员</source>
        <translation>The receipt printer is out of service. Please ask the staff for help.</translation>
    </message>
    <message>
        <source>回执打印机缺纸，请联系工作人员</source>
        <translation>The receipt printer is out of paper. Please ask the staff for help.</translation>
    </message>
    <message>
        <source>回执打印机盖未关好，请联系工作人员</source>
        <translation>The receipt printer&apos;s cover is open. Please ask the staff for help.</translation>
    </message>
    <message>
        <source>回执打印机故障，请联系工作人员</source>
        <translation>The receipt printer has a fault. Please ask the staff for help.</translation>
    </message>
    <message>
        <source>语音播报不可用</source>
        <translation>Voice guidance is not available</translation>
    </message>
    <message>
        <source>打印机暂时无法使用，请联系工作人员</source>
        <translation>The printer is not available at the moment; please ask the staff</translation>
    </message>
    <message>
        <source>打印机缺纸，请联系工作人员</source>
        <translation>The printer is out of paper; please ask the staff</translation>
    </message>
    <message>
        <source>打印机舱门未关好，请联系工作人员</source>
        <translation>The printer door is open; please ask the staff</translation>
    </message>
    <message>
        <source>打印机卡纸，请联系工作人员</source>
        <translation>Paper is jammed in the printer; please ask the staff</translation>
    </message>
    <message>
        <source>打印机墨粉用尽，请联系工作人员</source>
        <translation>The printer is out of toner; please ask the staff</translation>
    </message>
    <message>
        <source>打印机暂停服务，请联系工作人员</source>
        <translation>The printer is paused; please ask the staff</translation>
    </message>
    <message>
        <source>打印没有完成，请联系工作人员</source>
        <translation>Printing did not finish; please ask the staff</translation>
    </message>
    <message>
        <source>打印超时，请联系工作人员</source>
        <translation>Printing took too long; please ask the staff</translation>
    </message>
    <message>
        <source>本机暂时不能打印证明，请联系工作人员</source>
        <translation>This kiosk cannot print certificates at the moment; please ask the staff</translation>
    </message>
    <message>
        <source>本机暂时不能打印，请联系工作人员</source>
        <translation>This kiosk cannot print at the moment; please ask the staff</translation>
    </message>
    <message>
        <source>查询结果暂时无法打印，请联系工作人员</source>
        <translation>The result cannot be printed at the moment; please ask the staff</translation>
    </message>
    <message>
        <source>查询结果已打印，请从下方出纸口取走</source>
        <translation>The result is printed; please take it from the slot below</translation>
    </message>
    <message>
        <source>证明暂时无法打印，请联系工作人员</source>
        <translation>The certificate cannot be printed at the moment; please ask the staff</translation>
    </message>
    <message>
        <source>暂时无法发出求助，请到村便民服务站找工作人员</source>
        <translation>Your request cannot be sent just now; please ask the staff at the village service desk</translation>
    </message>
    <message>
        <source>拍摄设备暂时无法使用，请联系工作人员</source>
        <translation>The document camera is unavailable; please ask the staff</translation>
    </message>
    <message>
        <source>材料卡住了，请取出材料后重试</source>
        <translation>The document is stuck; take it out and try again</translation>
    </message>
    <message>
        <source>请先把材料放好，再点拍摄</source>
        <translation>Place the document first, then tap Capture</translation>
    </message>
    <message>
        <source>请合上扫描仪盖板后重试</source>
        <translation>Close the scanner&apos;s cover and try again</translation>
    </message>
    <message>
        <source>此项必须填写</source>
        <translation>Please fill this in</translation>
    </message>
    <message>
        <source>请填写数字</source>
        <translation>Please enter a number</translation>
    </message>
    <message>
        <source>请填写11位手机号码</source>
        <translation>Please enter an 11-digit mobile number</translation>
    </message>
    <message>
        <source>请选择日期</source>
        <translation>Please choose a date</translation>
    </message>
    <message>
        <source>内容过长</source>
        <translation>That is too long</translation>
    </message>
    <message>
        <source>邮寄需要填写收件地址</source>
        <translation>Posting needs an address</translation>
    </message>
    <message>
        <source>请拍摄这项材料</source>
        <translation>Please capture this document</translation>
    </message>
    <message>
        <source>本机没有材料拍摄设备，请到村便民服务站办理</source>
        <translation>This kiosk cannot capture documents; please apply at the village service point</translation>
    </message>
    <message>
        <source>申请没有提交成功，请重试</source>
        <translation>The application was not submitted; please try again</translation>
    </message>
    <message>
        <source>受理回执已打印，请取走</source>
        <translation>Your receipt has printed; please take it</translation>
    </message>
    <message>
        <source>受理回执没有打印出来，可在“办件查询”中查看办理进度</source>
        <translation>The receipt did not print; you can follow your application under “My applications”</translation>
    </message>
</context>
<context>
    <name>SignInScreen</name>
    <message>
        <source>手机验证码办理</source>
        <translation>Sign in with a text message code</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>第 1 步（共 2 步）：请输入您的身份证号码</source>
        <translation>Step 1 of 2: enter your ID number</translation>
    </message>
    <message>
        <source>正在发送验证码…</source>
        <translation>Sending the code…</translation>
    </message>
    <message>
        <source>验证码将发送到您在政务服务中心登记的手机上。已输入 %1 / 18 位</source>
        <translation>The code goes to the mobile phone registered with the government service centre. %1 of 18 entered</translation>
    </message>
    <message>
        <source>获取验证码</source>
        <translation>Send me a code</translation>
    </message>
    <message>
        <source>第 2 步（共 2 步）：请输入短信验证码</source>
        <translation>Step 2 of 2: enter the code from the text message</translation>
    </message>
    <message>
        <source>正在验证…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>验证码已发送至 %1（身份证号码 %2），5 分钟内有效</source>
        <translation>Code sent to %1 (ID number %2); it is valid for 5 minutes</translation>
    </message>
    <message>
        <source>修改身份证号码</source>
        <translation>Change ID number</translation>
    </message>
    <message>
        <source>重新获取（%1 秒）</source>
        <translation>New code (%1 s)</translation>
    </message>
    <message>
        <source>重新获取验证码</source>
        <translation>Send a new code</translation>
    </message>
    <message>
        <source>确认</source>
        <translation>Confirm</translation>
    </message>
</context>
<context>
    <name>ThanksScreen</name>
    <message>
        <source>感谢您的评价</source>
        <translation>Thank you for your rating</translation>
    </message>
    <message>
        <source>您的个人信息已从本机清除，请取走您的证件</source>
        <translation>Your personal data has been cleared from this kiosk; please take your card</translation>
    </message>
    <message>
        <source>欢迎再次使用政务服务自助终端</source>
        <translation>You are welcome to use the self-service kiosk again</translation>
    </message>
</context>
<context>
    <name>TimeoutOverlay</name>
    <message>
        <source>您还在吗？</source>
        <translation>Are you still there?</translation>
    </message>
    <message>
        <source>%1 秒后将自动退出，以保护您的个人信息</source>
        <translation>To protect your personal data, the session ends in %1 seconds</translation>
    </message>
    <message>
        <source>继续办理</source>
        <translation>Continue</translation>
    </message>
</context>
<context>
    <name>VoiceBar</name>
    <message>
        <source>再听一遍</source>
        <translation>Say again</translation>
    </message>
    <message>
        <source>音量 −</source>
        <translation>Volume −</translation>
    </message>
    <message>
        <source>音量 +</source>
        <translation>Volume +</translation>
    </message>
    <message>
        <source>关闭语音</source>
        <translation>Voice off</translation>
    </message>
    <message>
        <source>语音播报</source>
        <translation>Voice guidance</translation>
    </message>
</context>
</TS>
