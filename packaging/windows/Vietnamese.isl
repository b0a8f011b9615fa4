; Vietnamese messages for the Kỹ Năng Số installer. Listed after Default.isl in
; skillsapp.iss, so every message here replaces the English one; the rest stay English.
[LangOptions]
LanguageName=Ti<1EBF>ng Vi<1EC7>t
LanguageID=$042A
LanguageCodePage=0

[Messages]
SetupAppTitle=Cài đặt
SetupWindowTitle=Cài đặt %1
UninstallAppTitle=Gỡ cài đặt
UninstallAppFullTitle=Gỡ cài đặt %1
ButtonBack=< &Quay lại
ButtonNext=&Tiếp >
ButtonInstall=&Cài đặt
ButtonOK=Đồng ý
ButtonCancel=Hủy
ButtonYes=&Có
ButtonNo=&Không
ButtonFinish=&Xong
ButtonBrowse=&Chọn...
ButtonWizardBrowse=C&họn...
ExitSetupTitle=Thoát cài đặt
ExitSetupMessage=Việc cài đặt chưa xong. Nếu thoát bây giờ, chương trình sẽ không được cài.%n%nBạn có thể chạy lại trình cài đặt vào lúc khác.%n%nThoát cài đặt?
WelcomeLabel1=Chào mừng bạn đến với trình cài đặt [name]
WelcomeLabel2=Trình này sẽ cài [name/ver] vào máy tính của bạn.%n%nNên đóng các chương trình khác trước khi tiếp tục.
WizardSelectDir=Chọn nơi cài đặt
SelectDirDesc=Cài [name] vào đâu?
SelectDirLabel3=Trình cài đặt sẽ cài [name] vào thư mục dưới đây.
SelectDirBrowseLabel=Bấm Tiếp để tiếp tục. Muốn chọn thư mục khác, bấm Chọn.
WizardSelectTasks=Chọn thêm
SelectTasksDesc=Bạn muốn làm thêm những việc nào?
SelectTasksLabel2=Chọn những việc cần làm thêm khi cài [name], rồi bấm Tiếp.
WizardReady=Sẵn sàng cài đặt
ReadyLabel1=Đã sẵn sàng cài [name] vào máy tính của bạn.
ReadyLabel2a=Bấm Cài đặt để bắt đầu, hoặc Quay lại để xem lại các lựa chọn.
WizardInstalling=Đang cài đặt
InstallingLabel=Vui lòng chờ trong khi [name] được cài vào máy tính của bạn.
FinishedHeadingLabel=Đã cài xong [name]
FinishedLabelNoIcons=[name] đã được cài vào máy tính của bạn.
FinishedLabel=[name] đã được cài vào máy tính của bạn. Có thể mở chương trình bằng biểu tượng vừa tạo.
ClickFinish=Bấm Xong để kết thúc.
ConfirmUninstall=Bạn có chắc muốn gỡ %1? Dữ liệu học tập và kết quả thi trên máy vẫn được giữ lại.
UninstalledAll=Đã gỡ %1 khỏi máy tính.

[CustomMessages]
CreateDesktopIcon=Tạo biểu tượng trên màn hình
AdditionalIcons=Biểu tượng:
LaunchProgram=Mở %1
UninstallProgram=Gỡ %1
