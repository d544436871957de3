from fiberlab.launch import main_exit

main_exit()
