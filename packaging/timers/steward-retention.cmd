schtasks /Create /F /SC DAILY /ST 09:30 /TN "Steward retention" /TR "\"%USERPROFILE%\.local\bin\steward.exe\" retention run --unattended"
